"""Image sharing: the owner of a private or shared image adds projects as members (IMS creates
images `private` only; the first member makes one `shared`, where Glance wants `shared`
first); a member accepts or rejects it, and sees it in its lists once accepted (Glance v2 image
members)."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apis.ims import images, operations
from apis.ims.models import ImageMember, PrivateImage
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge

# Projects one image can be shared with (IMS constraints: system or data disk image).
MAX_MEMBERS = 128


def _image(tx: Session, ctx: RequestContext, image_id: str) -> PrivateImage:
    """An image the caller sees that can have members (a public one has none)."""
    row = images.find_private(tx, ctx, image_id)
    if row is None:
        if images.find(ctx, image_id) is not None:
            raise Forbidden("Public images do not have members.")
        raise NotFound(f"No image found with ID {image_id}")
    return row


def _member(tx: Session, image_id: str, member_id: str) -> ImageMember:
    found = tx.get(ImageMember, (image_id, member_id))
    if found is None:
        raise NotFound(f"{member_id} is not a member of image {image_id}")
    return found


def add(ctx: RequestContext, image_id: str, member_id: str) -> ImageMember:
    if not member_id or len(member_id) > 64:
        raise BadRequest("Invalid member id.")
    with ctx.transaction() as tx:
        row = operations.owned(tx, ctx, image_id)
        if tx.get(ImageMember, (image_id, member_id)) is not None:
            raise Conflict(f"Member {member_id} already exists for image {image_id}.")
        count = tx.scalar(
            select(func.count()).select_from(ImageMember).where(ImageMember.image_id == image_id)
        )
        if (count or 0) >= MAX_MEMBERS:
            raise PayloadTooLarge(f"Image member limit exceeded for image {image_id}.")
        now = ctx.now()
        member = ImageMember(
            image_id=image_id, member_id=member_id, status="pending", created_at=now, updated_at=now
        )
        tx.add(member)
        # IMS no longer lists a private image shared with others under visibility=private.
        if row.visibility == "private":
            row.visibility = "shared"
        return member


def listed(ctx: RequestContext, image_id: str) -> list[ImageMember]:
    """The owner sees every member; a member sees its own membership only."""
    with ctx.emulator.db.reading() as tx:
        row = _image(tx, ctx, image_id)
        query = select(ImageMember).where(ImageMember.image_id == image_id)
        if row.project_id != ctx.project.id:
            query = query.where(ImageMember.member_id == ctx.project.id)
        return list(tx.scalars(query.order_by(ImageMember.created_at)))


def show(ctx: RequestContext, image_id: str, member_id: str) -> ImageMember:
    with ctx.emulator.db.reading() as tx:
        row = _image(tx, ctx, image_id)
        if row.project_id != ctx.project.id and member_id != ctx.project.id:
            raise NotFound(f"{member_id} is not a member of image {image_id}")
        return _member(tx, image_id, member_id)


def set_status(ctx: RequestContext, image_id: str, member_id: str, status: str) -> ImageMember:
    """Only the member itself accepts, rejects or puts back to pending."""
    if status not in images.MEMBER_STATUSES:
        raise BadRequest(f"Invalid status: {status}; one of accepted, pending, rejected.")
    with ctx.transaction() as tx:
        row = _image(tx, ctx, image_id)
        if member_id != ctx.project.id:
            if row.project_id == ctx.project.id:
                raise Forbidden("Only the member can change the status of its membership.")
            raise NotFound(f"{member_id} is not a member of image {image_id}")
        member = _member(tx, image_id, member_id)
        member.status = status
        member.updated_at = ctx.now()
        return member


def remove(ctx: RequestContext, image_id: str, member_id: str) -> None:
    with ctx.transaction() as tx:
        operations.owned(tx, ctx, image_id)
        tx.delete(_member(tx, image_id, member_id))
