"""How a private image made by CreateImage becomes `active` (`emulator.lifecycle` kind
`ims.image`), finishing its job with the image id."""

from datetime import datetime

from sqlalchemy.orm import Session

from apis.ims.models import PrivateImage
from emulator import jobs, lifecycle
from state.models import Job, Transition

KIND = "ims.image"


@lifecycle.handles(KIND)
def _apply(tx: Session, transition: Transition, now: datetime) -> None:
    row = tx.get(PrivateImage, transition.resource_id)
    if row is not None and row.status == "saving":
        row.status = transition.target
        row.updated_at = now
    job = tx.get(Job, transition.payload.get("job_id", ""))
    if job is not None:
        if row is None:
            jobs.fail(tx, job, now, error_code="IMG.0027", reason="The image was deleted.")
        else:
            jobs.finish(tx, job, now, entities={"image_id": row.id})
