# Seed 001 "Headless Container Execution Guide", "Example 5: Using Private Container Registry", the Python equivalent.
import base64
from skyrun import Session  # changed: import line (was: from skaha.session import Session)
import os  # changed: import line added, for the private image's name below

# Setup authentication
username = "harbor-user"  # changed: credentials
cli_secret = "cli:secret-42"  # changed: credentials
auth_string = base64.b64encode(f"{username}:{cli_secret}".encode()).decode()

session = Session()
job_id = session.create(
    name="private-analysis",
    image=os.environ["SKYRUN_PRIVATE_IMAGE"],  # changed: image
    kind="headless",
    cores=4,
    ram=16,
    cmd="/opt/proprietary/analyze",
    args=["--config", "/arc/projects/myproject/config.yaml",
          "--data", "/arc/projects/myproject/datasets/large_survey.h5"],
    registry_auth=auth_string
)
