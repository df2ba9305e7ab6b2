# Seed 002 "Batch Processing and Headless Jobs", "1. Single File Processing": launch_single_job.py.
# launch_single_job.py
import requests
import sys
import os  # changed: import line added (the block calls os.path.basename without importing os)

SKYRUN = os.environ["SKYRUN_URL"]  # changed: host (was: https://ws-uv.canfar.net)

def launch_processing_job(input_file, output_file, token):
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.skyrun+json, application/json"}  # changed: credentials (and the JSON the example reads; see the README)

    job_data = {
        "name": f"process-{os.path.basename(input_file)}",
        "image": "localhost/skyrun-seeds:latest",  # changed: image
        "cores": 2,
        "ram": 4,
        "kind": "headless",
        "cmd": f"python /arc/projects/mygroup/scripts/process_data.py {input_file} {output_file}"
    }

    response = requests.post(f"{SKYRUN}/skaha/v0/session",  # changed: host
                           headers=headers, data=job_data)

    if response.status_code == 200:
        session_id = response.json()['sessionId']
        print(f"Job launched: {session_id}")
        return session_id
    else:
        print(f"Error: {response.status_code} - {response.text}")
        return None

# Usage
token = os.environ["SKYRUN_TOKEN"]  # changed: credentials (was: "your_api_token")
job_id = launch_processing_job(
    "/arc/projects/mygroup/data/observation1.fits",
    "/arc/projects/mygroup/results/processed1.fits",
    token
)
