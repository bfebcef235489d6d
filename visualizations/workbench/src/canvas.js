// The canvas: sigma.js (WebGL) over the view's graph, ForceAtlas2 in a web worker, dragging pins.
import FA2Layout from "graphology-layout-forceatlas2/worker";
import forceAtlas2 from "graphology-layout-forceatlas2";
import Sigma from "sigma";
import { EdgeLineProgram, NodePointProgram } from "sigma/rendering";
import { TOP_RING } from "./view.js";

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif";
const LIGHT_FROM_NODES = 2000;
const LIGHT_FROM_EDGES = 8000;
const EDGES_SHOWN_MOVING_UP_TO = 5000; // drawn edges: beyond this, a camera glide or zoom hides them until it ends
const EDGE_LABELS_UP_TO = 60; // drawn edges: beyond this, only the selected node's and the hovered edge's labels show
const ALL_LABELS_UP_TO = 80; // nodes
const FOCUS_LABELS_UP_TO = 150; // nodes: beyond, searched and found nodes are named as the label grid allows

export class Canvas {
  constructor(container, view, handlers) {
    this.view = view;
    this.settled = handlers.settled;
    this.layoutRuns = handlers.layoutRuns; // told when the layout starts and stops
    this.container = container;
    this.selected = null;
    this.hoveredEdge = null;
    this.layout = null;
    this.slowFrames = false; // a large view: a drag moves the drawn picture, and the graph is drawn on release
    this.stopTimer = null;
    this.renderer = new Sigma(view.graph, container, {
      renderEdgeLabels: true,
      enableEdgeEvents: true,
      defaultEdgeType: "arrow",
      labelFont: FONT,
      edgeLabelFont: FONT,
      labelSize: 12,
      edgeLabelSize: 10,
      zIndex: true,
      allowInvalidContainer: true,
      nodeProgramClasses: { point: NodePointProgram },
      edgeProgramClasses: { thin: EdgeLineProgram },
      nodeReducer: (key, a) => this.nodeLook(key, a),
      edgeReducer: (key, a) => this.edgeLook(key, a),
    });
    this.bind(handlers);
    view.onGraph = (graph) => {
      this.stopLayout(false);
      this.choosePrograms(graph);
      this.renderer.setGraph(graph);
    };
    // the panels around the canvas open and close: keep the drawing the size of its box
    new ResizeObserver(() => {
      this.renderer.resize();
      this.renderer.refresh({ skipIndexation: true });
    }).observe(container);
  }

  nodeLook(key, a) {
    const view = this.view;
    const out = { ...a };
    if (!view.visible.has(key)) out.hidden = true;
    const top = view.tops.has(key); // a 一把手 on the slider's day: a badge and a larger disc, not a shape
    const pin = a.fixed ? " [固定]" : "";
    out.label = `${top ? "〔一把手〕" : ""}${a.label}${pin}`;
    if (top) {
      out.forceLabel = true;
      out.size = a.size * 1.5;
    }
    if (a.focus) {
      out.size = Math.max(out.size, a.size * 1.3); // what was searched or found: larger, so named first
      if (view.graph.order <= FOCUS_LABELS_UP_TO) out.forceLabel = true;
    }
    if (key === this.selected) {
      out.highlighted = true;
      out.forceLabel = true;
      out.zIndex = 2;
    }
    return out;
  }

  edgeLook(key, a) {
    const out = { ...a };
    if (!this.view.shownEdges.has(key)) {
      out.hidden = true;
      return out;
    }
    const [s, t] = this.view.graph.extremities(key);
    const touched = this.selected && (s === this.selected || t === this.selected);
    if (touched) {
      out.color = TOP_RING;
      out.zIndex = 1;
    }
    if (touched || key === this.hoveredEdge || this.view.graph.size <= EDGE_LABELS_UP_TO) out.label = this.view.edgeLabel(key);
    return out;
  }

  bind(h) {
    const r = this.renderer;
    const captor = r.getMouseCaptor();
    const box = this.container;
    let dragged = null;
    let moved = false;
    let pan = null;
    r.on("clickNode", ({ node }) => !moved && h.selectNode(node));
    r.on("doubleClickNode", (e) => {
      e.preventSigmaDefault();
      h.openNode(e.node);
    });
    r.on("clickEdge", ({ edge }) => h.selectEdge(edge));
    r.on("clickStage", () => h.selectNode(null));
    r.on("enterEdge", ({ edge }) => {
      this.hoveredEdge = edge;
      r.refresh({ skipIndexation: true });
    });
    r.on("leaveEdge", () => {
      this.hoveredEdge = null;
      r.refresh({ skipIndexation: true });
    });
    // dragging a node moves it and pins it there, as Bloom and Linkurious do
    r.on("downNode", ({ node }) => {
      dragged = node;
      moved = false;
    });
    // Dragging the stage moves the drawn picture with the pointer and draws the graph anew once, on
    // release: a full frame of a large view costs far more than a frame of the pointer's motion.
    r.on("downStage", ({ event }) => {
      if (this.slowFrames) pan = { x: event.original.clientX, y: event.original.clientY, dx: 0, dy: 0 };
    });
    captor.on("mousemovebody", (e) => {
      if (dragged) {
        const p = r.viewportToGraph(e);
        this.view.graph.mergeNodeAttributes(dragged, { x: p.x, y: p.y, fixed: true });
        this.view.pinned.add(dragged);
        moved = true;
      } else if (pan) {
        pan.dx = e.original.clientX - pan.x;
        pan.dy = e.original.clientY - pan.y;
        box.style.transform = `translate(${pan.dx}px, ${pan.dy}px)`;
      } else {
        return;
      }
      e.preventSigmaDefault();
      e.original.preventDefault();
      e.original.stopPropagation();
    });
    captor.on("mouseup", () => {
      if (dragged && moved) h.pinned(dragged);
      if (pan && (pan.dx || pan.dy)) this.panBy(pan.dx, pan.dy);
      dragged = null;
      pan = null;
      setTimeout(() => (moved = false), 0);
    });
  }

  // Move the camera as far as the pointer moved (pixels), then draw once.
  panBy(dx, dy) {
    const r = this.renderer;
    const camera = r.getCamera();
    const from = r.viewportToFramedGraph({ x: 0, y: 0 });
    const to = r.viewportToFramedGraph({ x: dx, y: dy });
    const state = camera.getState();
    r.once("afterRender", () => (this.container.style.transform = "")); // the new frame replaces the moved one
    camera.setState({ x: state.x + from.x - to.x, y: state.y + from.y - to.y });
  }

  select(key) {
    this.selected = key;
    this.renderer.refresh({ skipIndexation: true });
  }

  // Settle the layout off the main thread for a while; pinned nodes stay where they are.
  relayout(ms) {
    this.stopLayout();
    const graph = this.view.graph;
    if (graph.order < 2) return;
    const settings = { ...forceAtlas2.inferSettings(graph), barnesHutOptimize: graph.order > 400, gravity: 1, slowDown: 5 };
    this.layout = new FA2Layout(graph, { settings });
    const layout = this.layout;
    // the layout starts once the first frame is on screen: until then it would take the CPU that frame needs
    this.renderer.once("afterRender", () => requestAnimationFrame(() => this.layout === layout && layout.start()));
    this.renderer.scheduleRender();
    this.layoutRuns(true);
    this.stopTimer = setTimeout(() => this.stopLayout(), ms ?? Math.min(1000 + graph.order * 3, 6000));
  }

  stopLayout(settled = true) {
    clearTimeout(this.stopTimer);
    if (this.layout) {
      this.layout.kill();
      this.layout = null;
      if (settled) this.settled();
    }
    this.layoutRuns(false);
  }

  // A large view draws nodes as points and edges as thin lines: several times cheaper per frame where
  // WebGL runs on the CPU (no GPU, or a virtual machine), and at that scale arrows are unreadable anyway.
  choosePrograms(g) {
    const large = g.order > LIGHT_FROM_NODES || g.size > LIGHT_FROM_EDGES;
    const r = this.renderer;
    if (r.getSetting("defaultNodeType") !== (large ? "point" : "circle")) {
      r.setSetting("defaultNodeType", large ? "point" : "circle");
      r.setSetting("defaultEdgeType", large ? "thin" : "arrow");
    }
    r.setSetting("hideEdgesOnMove", g.size > EDGES_SHOWN_MOVING_UP_TO);
    // a small view names every node; a larger one names some, more as one zooms in (sigma's label grid)
    const few = g.order <= ALL_LABELS_UP_TO;
    r.setSetting("labelDensity", few ? 1 : 0.15);
    r.setSetting("labelRenderedSizeThreshold", few ? 0 : 6.5);
    this.slowFrames = large;
  }

  refresh() {
    this.renderer.refresh();
  }

  focusOn(key) {
    if (!this.view.graph.hasNode(key)) return;
    const p = this.renderer.getNodeDisplayData(key);
    if (p) this.renderer.getCamera().animate({ x: p.x, y: p.y, ratio: 0.6 }, { duration: 400 });
  }
}
