-- Run-time error: `head []` throws an uncaught exception (exit status 1).
main :: IO ()
main = do
  xs <- map read . words <$> getContents :: IO [Integer]
  print (head (filter (> 10 ^ 18) xs))
