# Seed 002 "Batch Processing and Headless Jobs": "3. Parameter Sweep Jobs" (parameter_sweep.py),
# then "Monitor Job Progress" (monitor_jobs.py) on the session_ids it launched, in page order.
# parameter_sweep.py
import itertools
import requests
import os  # changed: import line added, for the host and token below

SKYRUN = os.environ["SKYRUN_URL"]  # changed: host (was: https://ws-uv.canfar.net)

def launch_parameter_sweep(param_combinations, script_path, token):
    """Launch jobs for different parameter combinations"""

    session_ids = []
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.skyrun+json, application/json"}  # changed: credentials (and the JSON the example reads; see the README)

    for i, params in enumerate(param_combinations):
        # Convert parameters to command line arguments
        param_args = " ".join([f"--{k} {v}" for k, v in params.items()])

        job_data = {
            "name": f"param-sweep-{i:03d}",
            "image": "localhost/skyrun-seeds:latest",  # changed: image
            "cores": 2,
            "ram": 4,
            "kind": "headless",
            "cmd": f"python {script_path} {param_args}"
        }

        response = requests.post(f"{SKYRUN}/skaha/v0/session",  # changed: host
                               headers=headers, data=job_data)

        if response.status_code == 200:
            session_id = response.json()['sessionId']
            session_ids.append(session_id)
            print(f"Launched parameter job {i}: {session_id}")
        else:
            print(f"Failed to launch job {i}: {response.text}")

    return session_ids

# Define parameter grid
param_grid = {
    'threshold': [0.1, 0.5, 1.0],
    'sigma': [1.0, 2.0, 3.0],
    'method': ['gaussian', 'tophat']
}

# Generate all combinations
param_combinations = [
    dict(zip(param_grid.keys(), values))
    for values in itertools.product(*param_grid.values())
]

# Launch sweep
session_ids = launch_parameter_sweep(
    param_combinations,
    "/arc/projects/mygroup/scripts/analysis_with_params.py",
    os.environ["SKYRUN_TOKEN"]  # changed: credentials (was: "your_api_token")
)

# monitor_jobs.py
import requests
import time
import json

def monitor_batch_jobs(session_ids, token, check_interval=60):
    """Monitor multiple batch jobs until completion"""

    headers = {"Authorization": f"Bearer {token}"}
    active_jobs = session_ids.copy()
    completed_jobs = []
    failed_jobs = []

    print(f"Monitoring {len(active_jobs)} batch jobs...")

    while active_jobs:
        current_status = {}

        for session_id in active_jobs[:]:  # Copy list to allow modification
            try:
                response = requests.get(
                    f"{SKYRUN}/skaha/v0/session/{session_id}",  # changed: host
                    headers=headers
                )

                if response.status_code == 200:
                    session_info = response.json()
                    status = session_info.get('status', 'Unknown')
                    current_status[session_id] = status

                    if status in ['Succeeded', 'Terminating']:
                        completed_jobs.append(session_id)
                        active_jobs.remove(session_id)
                        print(f"✅ Job {session_id}: Completed")

                    elif status == 'Error':
                        failed_jobs.append(session_id)
                        active_jobs.remove(session_id)
                        error_msg = session_info.get('statusMessage', 'Unknown error')
                        print(f"❌ Job {session_id}: Failed - {error_msg}")

                elif response.status_code == 404:
                    # Job no longer exists (likely completed)
                    completed_jobs.append(session_id)
                    active_jobs.remove(session_id)
                    print(f"✅ Job {session_id}: Completed (no longer in system)")

            except Exception as e:
                print(f"⚠️  Error checking job {session_id}: {e}")

        # Print status summary
        if active_jobs:
            status_counts = {}
            for status in current_status.values():
                status_counts[status] = status_counts.get(status, 0) + 1

            status_str = ", ".join([f"{k}: {v}" for k, v in status_counts.items()])
            print(f"Status update: {status_str}")
            time.sleep(check_interval)

    print(f"\n🎉 All jobs completed!")
    print(f"✅ Successful: {len(completed_jobs)}")
    print(f"❌ Failed: {len(failed_jobs)}")

    return completed_jobs, failed_jobs

# Usage
completed, failed = monitor_batch_jobs(session_ids, os.environ["SKYRUN_TOKEN"])  # changed: credentials (was: "your_api_token")
