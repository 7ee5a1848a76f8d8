-- Syscall measurement: a "heavier" Haskell program (judge-images/tests/measure-syscalls.sh).
-- forkIO threads with MVars, Data.Map, an unboxed ST array, ByteString input,
-- a lot of allocation (GC), getCPUTime; prints A+B.
import Control.Concurrent
import Control.Monad
import Data.Array.ST
import Data.Array.Unboxed
import qualified Data.ByteString.Char8 as B
import Data.List (foldl')
import qualified Data.Map.Strict as M
import Data.Maybe (fromJust)
import System.CPUTime

sieve :: Int -> UArray Int Bool
sieve n = runSTUArray $ do
  a <- newArray (2, n) True
  forM_ [2 .. n] $ \i -> do
    p <- readArray a i
    when (p && i * i <= n) $ forM_ [i * i, i * i + i .. n] $ \j -> writeArray a j False
  return a

main :: IO ()
main = do
  [a, b] <- map (fst . fromJust . B.readInteger) . B.words <$> B.getContents
  t0 <- getCPUTime
  vars <- forM [0 .. 3 :: Int] $ \k -> do
    mv <- newEmptyMVar
    _ <- forkIO $ putMVar mv $! foldl' (+) 0 [k, k + 4 .. 1000000]
    return mv
  parts <- mapM takeMVar vars
  let m = foldl' (\acc x -> M.insertWith (+) (x `mod` 1000) (1 :: Int) acc) M.empty [1 .. 300000 :: Int]
      primes = length (filter id (elems (sieve 2000000)))
  threadDelay 1000
  t1 <- getCPUTime
  let ok = sum parts == sum [0 .. 1000000] && M.size m == 1000 && primes == 148933 && t1 >= t0
  putStrLn (if ok then show (a + b) else "bad")
