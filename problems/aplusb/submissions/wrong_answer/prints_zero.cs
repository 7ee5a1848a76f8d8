// Wrong answer: ignores the input and prints 0.
using System;

public class Program {
    public static void Main() {
        Console.In.ReadToEnd();
        Console.WriteLine(0);
    }
}
