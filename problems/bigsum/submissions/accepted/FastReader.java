// Big Sum in Java: a buffered byte reader instead of Scanner.
import java.io.DataInputStream;
import java.io.IOException;

public class FastReader {
    private static final int BUFFER_SIZE = 1 << 16;
    private final DataInputStream in;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int length = 0;
    private int position = 0;

    FastReader() {
        in = new DataInputStream(System.in);
    }

    private int read() throws IOException {
        if (position == length) {
            length = in.read(buffer, 0, BUFFER_SIZE);
            position = 0;
            if (length <= 0) {
                length = 0;
                return -1;
            }
        }
        return buffer[position++];
    }

    long nextLong() throws IOException {
        int c = read();
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') c = read();
        boolean negative = c == '-';
        if (negative) c = read();
        long value = 0;
        while (c >= '0' && c <= '9') {
            value = value * 10 + (c - '0');
            c = read();
        }
        return negative ? -value : value;
    }

    public static void main(String[] args) throws IOException {
        FastReader reader = new FastReader();
        long n = reader.nextLong();
        long sum = 0;
        for (long i = 0; i < n; i++) sum += reader.nextLong();
        System.out.println(sum);
    }
}
