# Seed 001 "Headless Container Execution Guide", "Example 4: Parameter Sweep with Python".
from skyrun import Session  # changed: import line (was: from skaha.session import Session)
import itertools
import time

session = Session()
job_ids = []

# Parameter ranges
temperatures = [100, 200, 300, 400, 500]
pressures = [1.0, 2.0, 3.0, 4.0, 5.0]

# Submit job for each parameter combination
for temp, press in itertools.product(temperatures, pressures):
    job_id = session.create(
        name=f"sim-T{temp}-P{press}",
        image="localhost/skyrun-seeds:latest",  # changed: image
        kind="headless",
        cores=2,
        ram=4,
        cmd="/opt/simulation/run_sim",
        args=[
            "--temperature", str(temp),
            "--pressure", str(press),
            "--output", f"/arc/projects/sims/results/T{temp}_P{press}.h5",
            "--steps", "10000"
        ],
        env={
            "CUDA_VISIBLE_DEVICES": "",  # CPU only
            "OMP_NUM_THREADS": "2"
        }
    )

    job_ids.append((job_id, temp, press))
    print(f"Submitted T={temp}K, P={press}atm: {job_id}")

    # Throttle submissions
    time.sleep(1)

print(f"Submitted {len(job_ids)} jobs total")

# Monitor completion
completed = 0
while completed < len(job_ids):
    for job_id, temp, press in job_ids:
        status = session.get(job_id)
        if status['phase'] == 'Succeeded':
            print(f"✅ Completed: T={temp}K, P={press}atm")
            completed += 1
        elif status['phase'] == 'Failed':
            print(f"❌ Failed: T={temp}K, P={press}atm")
            completed += 1

    time.sleep(30)  # Check every 30 seconds

print("Parameter sweep complete!")
