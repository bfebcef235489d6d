package jiandu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Neo4j 5 Community in this process, Bolt on 127.0.0.1 only, data in a folder of the caller's.
 *
 * <p>Usage: {@code Neo4jLocal HOME PORT PASSWORD [PAGECACHE_MB]}. Prints {@code READY <port>
 * <version>} once Bolt accepts connections, then serves until its standard input closes (the
 * parent went away or is done) or it is sent SIGTERM; either way the database shuts down cleanly.
 * The password of user {@code neo4j} is set at start, as {@code NEO4J_AUTH} does for the image.
 */
public final class Neo4jLocal {
    private Neo4jLocal() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: Neo4jLocal HOME PORT PASSWORD [PAGECACHE_MB]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = args[2];
        long pagecache = args.length > 3 ? Long.parseLong(args[3]) : 512;
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecache))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));
        var system = dbms.database("system");
        try {
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
        } catch (RuntimeException alreadySet) {
            // a folder used before keeps its password; a different one is the caller's mistake
        }
        String version = system.executeTransactionally(
                "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of(),
                result -> String.valueOf(result.next().get("v")));
        System.out.println("READY " + port + " " + version);
        System.out.flush();
        while (System.in.read() != -1) {
            // nothing to read: the stream is the parent's lifeline
        }
        System.exit(0);
    }
}
