// A plus B in C# (Mono).
using System;

public class Program {
    public static void Main() {
        string[] parts = Console.In.ReadToEnd().Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
        long a = long.Parse(parts[0]);
        long b = long.Parse(parts[1]);
        Console.WriteLine(a + b);
    }
}
