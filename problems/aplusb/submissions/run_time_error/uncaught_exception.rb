# Run-time error: raises an uncaught exception (exit status 1).
$stdin.read
raise 'deliberate failure'
