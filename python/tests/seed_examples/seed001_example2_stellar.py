# Seed 001 "Headless Container Execution Guide", "Example 2: Python Analysis with skaha Client".
from skyrun import Session  # changed: import line (was: from skaha.session import Session)
import time
import os

# Initialize client
session = Session()

# Submit data analysis job
job_id = session.create(
    name="stellar-analysis",
    image="localhost/skyrun-seeds:latest",  # changed: image
    kind="headless",
    cores=4,
    ram=16,
    cmd="python",
    args=["/arc/projects/survey/scripts/stellar_photometry.py",
          "--input", "/arc/projects/survey/data/field001.fits",
          "--output", "/arc/projects/survey/results/",
          "--catalog", "/arc/projects/survey/catalogs/stars.csv",
          "--threads", "4"],
    env={
        "PYTHONPATH": "/arc/projects/survey/lib",
        "OMP_NUM_THREADS": "4"
    }
)

print(f"Submitted job: {job_id}")

# Monitor until completion
while True:
    status = session.get(job_id)
    phase = status['phase']
    print(f"Status: {phase}")

    if phase == 'Succeeded':
        print("✅ Analysis completed successfully!")
        logs = session.get_logs(job_id)
        print("Final output:")
        print(logs[-500:])  # Last 500 characters
        break
    elif phase == 'Failed':
        print("❌ Job failed!")
        logs = session.get_logs(job_id)
        print("Error logs:")
        print(logs)
        break
    elif phase in ['Running', 'Pending']:
        time.sleep(60)  # Check every minute
    else:
        print(f"Unknown phase: {phase}")
        break
