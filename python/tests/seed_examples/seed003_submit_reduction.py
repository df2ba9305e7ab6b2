#!/usr/bin/env python3
# Seed 003 "Batch Jobs and Headless Processing", "2. Job Submission Scripts": submit_reduction.py.
# submit_reduction.py - Python client-based submission

from skyrun import Session  # changed: import line (was: from skaha.session import Session)
from datetime import datetime

# Initialize session manager
session = Session()

# Set job parameters
job_name = f"nightly-reduction-{datetime.now().strftime('%Y%m%d')}"
image = "localhost/skyrun-seeds:latest"  # changed: image
data_path = f"/arc/projects/survey/data/{datetime.now().strftime('%Y%m%d')}"

# Submit job
job_id = session.create(
    name=job_name,
    image=image,
    cores=8,
    ram=32,
    cmd="python",
    args=["/arc/projects/survey/pipelines/reduce_night.py", data_path]
)

print(f"Submitted job: {job_id}")
