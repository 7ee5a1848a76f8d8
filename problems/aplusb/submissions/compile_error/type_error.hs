-- Compile error: adds a String to an Integer.
main :: IO ()
main = do
  [a, b] <- words <$> getContents
  print ((read a :: Integer) + b)
