# Seed 003 "Batch Jobs and Headless Processing", "Method 2: Python skaha Client": the blocks
# "Basic Python Client Usage", "Advanced Job Submission", "Private Image Authentication",
# "Job Monitoring and Management" and "Bulk Job Management", in page order.
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
    name="private-image-job",
    image=os.environ["SKYRUN_PRIVATE_IMAGE"],  # changed: image
    kind="headless",
    cmd="python /opt/analysis.py",
    registry_auth=auth_string
)

# List all your sessions
sessions = session.fetch()
print(f"Active sessions: {len(sessions)}")

# Get session details
session_info = session.fetch(job_id)
print(f"Status: {session_info['status']}")
print(f"Start time: {session_info['startTime']}")

# Wait for completion
while True:
    status = session.fetch(job_id)['status']
    if status in ['Succeeded', 'Failed', 'Terminated']:
        print(f"Job completed with status: {status}")
        break
    time.sleep(30)

# Get logs
logs = session.logs(job_id)
print("Job output:")
print(logs)

# Clean up
session.delete(job_id)

# Submit multiple related jobs
job_ids = []
for i in range(10):
    job_id = session.create(
        name=f"parameter-study-{i}",
        image="localhost/skyrun-seeds:latest",  # changed: image
        kind="headless",
        cmd="python",
        args=["/arc/projects/study/analyze.py", f"--param={i}"]
    )
    job_ids.append(job_id)
    print(f"Submitted job {i}: {job_id}")

# Monitor all jobs
completed = 0
while completed < len(job_ids):
    completed = 0
    for job_id in job_ids:
        status = session.fetch(job_id)['status']
        if status in ['Succeeded', 'Failed', 'Terminated']:
            completed += 1

    print(f"Completed: {completed}/{len(job_ids)}")
    if completed < len(job_ids):
        time.sleep(60)

print("All jobs completed!")
