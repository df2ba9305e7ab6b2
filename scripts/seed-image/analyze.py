# Stand-in for the seed pages' analysis scripts: prints the argv it received.
import sys
print("argv:", sys.argv[1:])
