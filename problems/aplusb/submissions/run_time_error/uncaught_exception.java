// Run-time error: throws an exception nobody catches (the JVM exits with status 1).
import java.util.Scanner;

public class Crash {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        long a = in.nextLong();
        long b = in.nextLong();
        throw new IllegalStateException("refusing to add " + a + " and " + b);
    }
}
