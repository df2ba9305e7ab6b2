# Seed 001 "Headless Container Execution Guide", Method 2 "Using skaha Python Client":
# the blocks "Import and Setup" through "List All Jobs", in page order.
from skyrun import Session  # changed: import line (was: from skaha.session import Session)
from skyrun.image import Image  # changed: import line (was: from skaha.image import Image)
import time
import os  # changed: import line added, for the private image's name below

# Initialize session manager
session = Session()

# Simple job submission
job_id = session.create(
    name="python-analysis",
    image="localhost/skyrun-seeds:latest",  # changed: image
    kind="headless",
    cmd="python",
    args=["/arc/projects/myproject/analysis.py"]
)

print(f"Submitted job: {job_id}")

# Job with custom resources and environment
job_id = session.create(
    name="heavy-computation",
    image="localhost/skyrun-seeds:latest",  # changed: image
    kind="headless",
    cores=8,
    ram=32,
    cmd="/opt/scripts/heavy_process.sh",
    args=["/arc/projects/data/large_dataset.h5", "/arc/projects/results/"],
    env={
        "PROCESSING_THREADS": "8",
        "OUTPUT_FORMAT": "hdf5",
        "VERBOSE": "true"
    }
)

# For private images, set registry authentication
import base64

username = "harbor-user"  # changed: credentials
cli_secret = "cli:secret-42"  # changed: credentials
auth_string = base64.b64encode(f"{username}:{cli_secret}".encode()).decode()

job_id = session.create(
    name="private-job",
    image=os.environ["SKYRUN_PRIVATE_IMAGE"],  # changed: image
    kind="headless",
    cmd="/opt/private/analyze",
    registry_auth=auth_string
)

# Get job details
job_info = session.get(job_id)
print(f"Status: {job_info['phase']}")
print(f"Start time: {job_info.get('startTime', 'Not started')}")

# Poll until job completes
def wait_for_completion(session, job_id, polling_interval=30):
    """Wait for job to complete, polling every interval seconds"""
    while True:
        job_info = session.get(job_id)
        phase = job_info['phase']

        print(f"Job {job_id} status: {phase}")

        if phase in ['Succeeded', 'Failed', 'Unknown']:
            return phase

        time.sleep(polling_interval)

# Use the function
final_status = wait_for_completion(session, job_id)
print(f"Job completed with status: {final_status}")

# Retrieve job output
try:
    logs = session.get_logs(job_id)
    print("Job Output:")
    print(logs)
except Exception as e:
    print(f"Error getting logs: {e}")

# Get all your sessions
all_sessions = session.list()

# Filter headless jobs
headless_jobs = [s for s in all_sessions if s.get('kind') == 'headless']

for job in headless_jobs:
    print(f"Job: {job['name']} - Status: {job['phase']}")
