# Seed 002 "Batch Processing and Headless Jobs", "Resource Management" (check_resource_availability)
# and "Error Handling" (robust_job_launcher), in page order, then one call of the launcher.
import requests  # changed: import line added (the blocks use requests and time without importing them)
import time  # changed: import line added
import os  # changed: import line added, for the host and token below

SKYRUN = os.environ["SKYRUN_URL"]  # changed: host (was: https://ws-uv.canfar.net)

# Check available resources before launching
def check_resource_availability(token):
    """Check current resource usage before launching batch jobs"""

    headers = {"Authorization": f"Bearer {token}"}
    response = requests.get(f"{SKYRUN}/skaha/v0/session", headers=headers)  # changed: host

    if response.status_code == 200:
        sessions = response.json()

        total_cores = sum(s.get('cores', 0) for s in sessions)
        total_ram = sum(s.get('ram', 0) for s in sessions)
        active_count = len(sessions)

        print(f"Current usage:")
        print(f"  Active sessions: {active_count}/3")
        print(f"  Total cores: {total_cores}")
        print(f"  Total RAM: {total_ram} GB")

        return active_count < 3  # Can launch more jobs

    return False

def robust_job_launcher(job_config, token, max_retries=3):
    """Launch job with retry logic and error handling"""

    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.skyrun+json, application/json"}  # changed: credentials (and the JSON the example reads; see the README)

    for attempt in range(max_retries):
        try:
            # Check if we can launch more jobs
            if not check_resource_availability(token):
                print("Resource limit reached, waiting...")
                time.sleep(60)
                continue

            response = requests.post(
                f"{SKYRUN}/skaha/v0/session",  # changed: host
                headers=headers,
                data=job_config,
                timeout=30
            )

            if response.status_code == 200:
                return response.json()['sessionId']
            elif response.status_code == 409:
                print(f"Conflict (attempt {attempt + 1}): Resource busy")
                time.sleep(30)
            else:
                print(f"HTTP {response.status_code}: {response.text}")

        except requests.exceptions.RequestException as e:
            print(f"Network error (attempt {attempt + 1}): {e}")
            time.sleep(30)

    raise Exception(f"Failed to launch job after {max_retries} attempts")

# changed: added, the pages define the launcher without calling it; a job as launch_single_job.py describes one
session_id = robust_job_launcher({
    "name": "robust-launch",
    "image": "localhost/skyrun-seeds:latest",
    "cores": 2,
    "ram": 4,
    "kind": "headless",
    "cmd": "python /arc/projects/mygroup/scripts/process_data.py /arc/projects/mygroup/data/obs1.fits /arc/projects/mygroup/results/robust.fits",
}, os.environ["SKYRUN_TOKEN"])
print(f"Launched: {session_id}")
