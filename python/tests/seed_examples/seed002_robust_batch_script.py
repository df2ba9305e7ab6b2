# Seed 002 "Batch Processing and Headless Jobs", "Script Design": robust_batch_script.py, unchanged.
# It runs inside a job (the test puts it on /arc and submits it); as written it calls a
# process_data() the page never defines, so it logs the NameError and exits 1.
# robust_batch_script.py
import sys
import os
import logging
import traceback
from datetime import datetime

def setup_logging(log_file):
    """Setup logging for batch job"""
    logging.basicConfig(
        level=logging.INFO,
        format='%(asctime)s - %(levelname)s - %(message)s',
        handlers=[
            logging.FileHandler(log_file),
            logging.StreamHandler()
        ]
    )

def main():
    # Setup
    job_id = os.environ.get('SKAHA_SESSION_ID', 'unknown')
    log_file = f"/arc/projects/mygroup/logs/job_{job_id}_{datetime.now().strftime('%Y%m%d_%H%M%S')}.log"

    os.makedirs(os.path.dirname(log_file), exist_ok=True)
    setup_logging(log_file)

    try:
        logging.info(f"Starting batch job {job_id}")
        logging.info(f"Arguments: {sys.argv}")

        # Your processing code here
        process_data()

        logging.info("Job completed successfully")
        return 0

    except Exception as e:
        logging.error(f"Job failed with error: {e}")
        logging.error(traceback.format_exc())
        return 1

if __name__ == "__main__":
    exit_code = main()
    sys.exit(exit_code)
