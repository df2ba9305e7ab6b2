# Seed 001 "Headless Container Execution Guide", "Example 1: Astronomy Data Processing".
# Process a list of FITS files
from skyrun import Session  # changed: import line (was: from skaha.session import Session)
import time  # changed: import line added (the block calls time.sleep without importing time)

session = Session()
input_files = [
    "/arc/projects/survey/raw/field001.fits",
    "/arc/projects/survey/raw/field002.fits",
    "/arc/projects/survey/raw/field003.fits"
]

job_ids = []
for i, input_file in enumerate(input_files):
    job_id = session.create(
        name=f"process-field-{i+1:03d}",
        image="localhost/skyrun-seeds:latest",  # changed: image
        kind="headless",
        cores=2,
        ram=8,
        cmd="python",
        args=[
            "/opt/photometry/process.py",
            "--input", input_file,
            "--output", f"/arc/projects/survey/processed/field{i+1:03d}_processed.fits",
            "--catalog", "/arc/projects/survey/catalogs/reference.cat"
        ],
        env={"PROCESSING_MODE": "batch", "VERBOSE": "true"}
    )
    job_ids.append(job_id)
    print(f"Submitted processing job for {input_file}: {job_id}")

# Monitor all jobs
print("Monitoring jobs...")
completed_jobs = []
while len(completed_jobs) < len(job_ids):
    for job_id in job_ids:
        if job_id not in completed_jobs:
            status = session.get(job_id)['phase']
            if status in ['Succeeded', 'Failed']:
                completed_jobs.append(job_id)
                print(f"Job {job_id} completed with status: {status}")
    time.sleep(60)  # Check every minute

print("All jobs completed!")
