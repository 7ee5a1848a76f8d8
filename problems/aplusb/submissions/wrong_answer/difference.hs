-- Wrong answer: prints a-b instead of a+b.
main :: IO ()
main = do
  [a, b] <- map read . words <$> getContents :: IO [Integer]
  print (a - b)
