# Seed 002 "Batch Processing and Headless Jobs", "2. Parallel Processing of Multiple Files": parallel_batch.py.
# parallel_batch.py
import requests
import os
import time
from concurrent.futures import ThreadPoolExecutor

SKYRUN = os.environ["SKYRUN_URL"]  # changed: host (was: https://ws-uv.canfar.net)

def launch_job(file_info, token):
    """Launch a single batch job"""
    input_file, output_file = file_info
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.skyrun+json, application/json"}  # changed: credentials (and the JSON the example reads; see the README)

    job_data = {
        "name": f"batch-{os.path.basename(input_file).replace('.fits', '')}",
        "image": "localhost/skyrun-seeds:latest",  # changed: image
        "cores": 2,
        "ram": 4,
        "kind": "headless",
        "cmd": f"python /arc/projects/mygroup/scripts/process_data.py {input_file} {output_file}"
    }

    response = requests.post(f"{SKYRUN}/skaha/v0/session",  # changed: host
                           headers=headers, data=job_data)

    if response.status_code == 200:
        return response.json()['sessionId']
    else:
        print(f"Failed to launch job for {input_file}: {response.text}")
        return None

def batch_process_files(input_files, output_dir, token, max_concurrent=3):
    """Process multiple files in parallel batches"""

    # Create file pairs
    file_pairs = []
    for input_file in input_files:
        filename = os.path.basename(input_file)
        output_file = os.path.join(output_dir, f"processed_{filename}")
        file_pairs.append((input_file, output_file))

    # Launch jobs in batches to respect session limits
    session_ids = []

    # Process in chunks to avoid hitting session limits
    chunk_size = max_concurrent
    for i in range(0, len(file_pairs), chunk_size):
        chunk = file_pairs[i:i + chunk_size]

        # Launch jobs for this chunk
        with ThreadPoolExecutor(max_workers=chunk_size) as executor:
            futures = [executor.submit(launch_job, pair, token) for pair in chunk]
            chunk_sessions = [f.result() for f in futures if f.result()]

        session_ids.extend(chunk_sessions)
        print(f"Launched {len(chunk_sessions)} jobs (batch {i//chunk_size + 1})")

        # Wait for this batch to complete before starting next
        if i + chunk_size < len(file_pairs):
            wait_for_completion(chunk_sessions, token)
            time.sleep(30)  # Brief pause between batches

    return session_ids

# Usage
input_files = [
    "/arc/projects/mygroup/data/obs1.fits",
    "/arc/projects/mygroup/data/obs2.fits",
    "/arc/projects/mygroup/data/obs3.fits"
]

session_ids = batch_process_files(
    input_files,
    "/arc/projects/mygroup/results/",
    os.environ["SKYRUN_TOKEN"]  # changed: credentials (was: "your_api_token")
)
