# Never answers. Scores 0.
while True:
    pass
