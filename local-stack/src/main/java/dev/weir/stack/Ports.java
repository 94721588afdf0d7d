package dev.weir.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

/** Free loopback ports. */
final class Ports {

    static final String HOST = "127.0.0.1";

    private Ports() {
    }

    /**
     * {@code count} distinct ports that were free a moment ago. Another process may take one
     * before the server binds it; the server then fails to start with a clear message.
     */
    static int[] free(int count) throws IOException {
        Set<Integer> seen = new HashSet<>();
        int[] ports = new int[count];
        int i = 0;
        while (i < count) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int port = socket.getLocalPort();
                if (seen.add(port)) {
                    ports[i++] = port;
                }
            }
        }
        return ports;
    }

    /** Whether something accepts TCP connections on the loopback port. */
    static boolean accepting(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
