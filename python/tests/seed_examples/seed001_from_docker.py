# Seed 001 "Headless Container Execution Guide", "Migration from Legacy Batch Systems", "From Docker Scripts": CANFAR Headless.
from skyrun import Session  # changed: import line (was: from skaha.session import Session)

session = Session()
job_id = session.create(
    name="containerized-processing",
    image="localhost/skyrun-seeds:latest",  # changed: image
    kind="headless",
    cmd="python",
    args=["process.py", "/arc/projects/myproject/input", "/arc/projects/myproject/output"]
)
