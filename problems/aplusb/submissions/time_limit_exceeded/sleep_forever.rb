# Time limit exceeded: sleeps forever, using no CPU. Only a wall-clock limit stops it.
sleep
