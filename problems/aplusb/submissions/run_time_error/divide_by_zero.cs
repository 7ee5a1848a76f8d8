// Run-time error: integer division by zero throws an uncaught DivideByZeroException.
using System;

public class Program {
    public static void Main() {
        string[] parts = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        long a = long.Parse(parts[0]);
        long zero = a - a;
        Console.WriteLine(a / zero);
    }
}
