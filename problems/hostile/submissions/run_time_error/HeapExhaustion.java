// Memory bomb in Java: the JVM heap is capped below the memory limit, so this ends in OutOfMemoryError (exit 3, RE), not MLE.
import java.util.ArrayList;
import java.util.Arrays;

public class HeapExhaustion {
    public static void main(String[] args) {
        ArrayList<byte[]> chunks = new ArrayList<>();
        for (;;) {
            byte[] c = new byte[16 << 20];
            Arrays.fill(c, (byte) 1);
            chunks.add(c);
        }
    }
}
