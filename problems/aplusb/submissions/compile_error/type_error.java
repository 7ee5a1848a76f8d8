// Compile error: a String cannot be assigned to an int.
import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        int a = in.next();
        int b = in.nextInt();
        System.out.println(a + b);
    }
}
