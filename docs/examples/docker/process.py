import sys

src, dst = sys.argv[1], sys.argv[2]
with open(src) as f, open(dst, "w") as out:
    out.write(f.read().upper())
print("processed", src, "into", dst)
