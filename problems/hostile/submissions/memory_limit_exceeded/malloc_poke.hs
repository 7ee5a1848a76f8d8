-- Memory limit exceeded: mallocs 16 MiB at a time, writes a byte into every 4 KiB page, and keeps it all, forever.
import Control.Monad (forM_)
import Data.IORef
import Foreign.Marshal.Alloc (mallocBytes)
import Foreign.Ptr (Ptr)
import Foreign.Storable (pokeByteOff)
import Data.Word (Word8)

main :: IO ()
main = do
  ref <- newIORef []
  let chunk = 16 * 1024 * 1024 :: Int
      go = do
        p <- mallocBytes chunk :: IO (Ptr Word8)
        forM_ [0, 4096 .. chunk - 1] $ \i -> pokeByteOff p i (1 :: Word8)
        modifyIORef' ref (p :)
        go
  go
