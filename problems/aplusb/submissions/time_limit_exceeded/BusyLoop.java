// Time limit exceeded: reads the input, then spins forever.
import java.util.Scanner;

public class BusyLoop {
    static volatile long n = 0;

    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        long a = in.nextLong(), b = in.nextLong();
        while (true) n++;
    }
}
