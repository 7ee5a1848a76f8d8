// Output limit exceeded: prints the right answer, then writes to stdout forever.
import java.util.Scanner;

public class AnswerThenFlood {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        System.out.println(in.nextLong() + in.nextLong());
        String block = "y".repeat(65535);
        for (;;) System.out.println(block);
    }
}
