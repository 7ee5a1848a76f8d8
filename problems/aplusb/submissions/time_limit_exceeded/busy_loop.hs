-- Time limit exceeded: reads the input, then counts forever (strict, so it never allocates a thunk chain).
{-# LANGUAGE BangPatterns #-}
main :: IO ()
main = do
  [a, b] <- map read . words <$> getContents :: IO [Integer]
  let loop :: Int -> Int
      loop !n = if n == -1 then n else loop (n + 1)
  print (loop 0 + fromIntegral (a + b))
