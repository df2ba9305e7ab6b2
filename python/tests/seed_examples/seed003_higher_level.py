# Seed 003 "Batch Jobs and Headless Processing", "Method 3: Higher-Level Python API".
# Example: Higher-level API for common tasks
from skyrun import Session  # changed: import line (was: from skaha import Session)

# Create a session object
session = Session()

# Submit a data reduction job
job_id = session.submit(
    name="data-reduction",
    image="localhost/skyrun-seeds:latest",  # changed: image
    cmd="python /arc/projects/myproject/scripts/reduce_data.py",
    cores=4,
    ram=16
)

# Monitor the job
session.monitor(job_id)

# Fetch and print logs
logs = session.logs(job_id)
print(logs)

# Delete the job after completion
session.delete(job_id)
