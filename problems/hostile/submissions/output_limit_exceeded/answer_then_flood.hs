-- Output limit exceeded: prints the right answer, then writes to stdout forever.
main :: IO ()
main = do
  [a, b] <- map read . words <$> getContents :: IO [Integer]
  print (a + b)
  let block = replicate 65535 'y'
  mapM_ putStrLn (repeat block)
