"""jiandu 监督图谱: a knowledge graph of supervisory relationships around top leaders (一把手)."""
