// A plus B in Java, in two classes of two files; the class with main is not called Main.
import java.util.Scanner;

public class Solution {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        long a = in.nextLong(), b = in.nextLong();
        System.out.println(new Adder(a).plus(b));
    }
}
