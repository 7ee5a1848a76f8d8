// Compile error: assigns a string to an int.
using System;

public class Program {
    public static void Main() {
        int x = Console.ReadLine();
        Console.WriteLine(x);
    }
}
