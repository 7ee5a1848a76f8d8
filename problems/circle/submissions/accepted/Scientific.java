// Circle in Java: scientific notation (e.g. 3.141592654e+00), which the float
// tolerance check accepts like any other number.
import java.util.Locale;
import java.util.Scanner;

public class Scientific {
    public static void main(String[] args) {
        double r = new Scanner(System.in).nextDouble();
        System.out.println(String.format(Locale.ROOT, "%.9e %.9e", Math.PI * r * r, 2 * Math.PI * r));
    }
}
