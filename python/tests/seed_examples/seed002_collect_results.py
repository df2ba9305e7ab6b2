# Seed 002 "Batch Processing and Headless Jobs", "Collect Job Results": collect_results.py.
# collect_results.py
import os
import glob

ARC = os.environ["SKYRUN_ARC"]  # changed: added; where /arc is on this machine (in a session on the platform it is /arc)

def collect_batch_results(output_directory, result_pattern="processed_*.fits"):
    """Collect and summarize results from batch jobs"""

    result_files = glob.glob(os.path.join(output_directory, result_pattern))

    print(f"Found {len(result_files)} result files:")
    for file_path in sorted(result_files):
        file_size = os.path.getsize(file_path) / (1024*1024)  # MB
        print(f"  {os.path.basename(file_path)}: {file_size:.1f} MB")

    return result_files

# Collect results
results = collect_batch_results(f"{ARC}/projects/mygroup/results/")  # changed: /arc as mounted here
