Console.WriteLine("qt");
