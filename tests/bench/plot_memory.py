"""Memory versus page size: peak bytes each parsing approach needs for one list page of
20..1000 batches (from `bench_parse --memory`), plotted with gnuplot (Debian gnuplot-nox).

usage: plot_memory.py BENCH_PARSE OUT.png
Writes OUT.png and prints the table it plotted. ambc's figure is its parser state and
record (fixed-size structs, and core/ has no heap: build.core_no_malloc), so it is flat by
construction; the others are the page buffer plus tokens or heap, measured per size.
"""
import os
import subprocess
import sys
import tempfile

SIZES = [20, 50, 100, 200, 500, 1000]


def main():
    bench, out = sys.argv[1], sys.argv[2]
    text = subprocess.run([bench, "--memory"] + [str(n) for n in SIZES], check=True,
                          capture_output=True, text=True).stdout
    print(text, end="")
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "memory.dat")
        with open(data, "w") as f:
            f.write(text)
        script = f"""
set terminal png size 800,480 font ",11" noenhanced
set output "{out}"
set title "Peak memory to parse one list page (bench_parse --memory)"
set xlabel "batches per page (limit)"
set ylabel "bytes (log scale)"
set logscale xy
set xrange [15:1300]
set key top left
set grid
set format y "%.0s %cB"
plot "{data}" using 1:2 with linespoints title "ambc (parser + record, streaming)", \\
     "{data}" using 1:3 with linespoints title "jsmn over the whole page (page + tokens)", \\
     "{data}" using 1:4 with linespoints title "cJSON tree (page + peak heap)"
"""
        subprocess.run(["gnuplot"], input=script, check=True, text=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
