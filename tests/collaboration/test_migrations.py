"""Issue 21's migrations on a database of today's schema that holds data: the
evidence, comments (with their earlier texts) and team documents keep their rows
when their models move from checklists to collaboration, their content types (and
so the permissions granted on them) follow, the stored copies of the portfolio are
dropped, and every onboarding summary is counted again from its items (a closed
onboarding counts its finished items)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("checklists", "0015_portfolio_tally"),
    ("collaboration", None),
    # golive's later migrations stand on later checklists ones.
    ("golive", "0006_remove_incident_notified_at"),
    # planning's and the roster's tables stand on today's checklists.
    ("planning", None),
    ("roster", None),
]


def migrate(targets=None):
    """Migrate to `targets` (every other app to its latest), or everything to its
    latest; return the models as they then are."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    if targets is None:
        plan = leaves
    else:
        named = {app for app, _ in targets}
        plan = [*targets, *(n for n in leaves if n[0] not in named)]
    executor.migrate(plan)
    executor.loader.build_graph()
    state_nodes = [n for n in plan if n[1] is not None]
    return executor.loader.project_state(state_nodes).apps


def test_moved_models_keep_their_rows_and_summaries_are_counted_again():
    old = migrate(BEFORE)
    try:
        User = old.get_model("accounts", "User")
        Court = old.get_model("courts", "Court")
        Template = old.get_model("checklists", "ChecklistTemplate")
        TemplateItem = old.get_model("checklists", "TemplateItem")
        Onboarding = old.get_model("checklists", "Onboarding")
        Item = old.get_model("checklists", "ChecklistItem")
        Summary = old.get_model("checklists", "OnboardingSummary")
        Evidence = old.get_model("checklists", "Evidence")
        Comment = old.get_model("checklists", "Comment")
        Revision = old.get_model("checklists", "CommentRevision")
        TeamDocument = old.get_model("checklists", "TeamDocument")
        ContentType = old.get_model("contenttypes", "ContentType")
        Permission = old.get_model("auth", "Permission")
        Group = old.get_model("auth", "Group")

        user = User.objects.create(username="old.lead")
        court = Court.objects.create(name="Old Court", slug="old-court", district=1)
        template = Template.objects.get(name="CCPOR court onboarding", version=1)
        first = TemplateItem.objects.filter(template=template).order_by("order")[0]
        closed = Onboarding.objects.create(
            court=court,
            template=template,
            go_live_date=datetime.date(2026, 1, 15),
            court_enters_carpos=True,
            so_participates=True,
            status="closed",
        )
        fields = {
            f.name: getattr(first, f.name)
            for f in TemplateItem._meta.concrete_fields
            if f.name not in ("id", "template")
        }
        items = [
            Item.objects.create(
                **{**fields, "order": n},
                onboarding=closed,
                template_item=first,
                due_date=datetime.date(2025, 12, 1),
                status="done",
            )
            for n in (1, 2)
        ]
        # What the old code kept: a closed onboarding counted as nothing.
        Summary.objects.create(onboarding=closed, total=0, finished=0)
        evidence = Evidence.objects.create(
            item=items[0],
            file="evidence/x/y.pdf",
            original_name="letter.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=user,
        )
        comment = Comment.objects.create(item=items[0], author=user, body="Now")
        Revision.objects.create(comment=comment, body="Before", edited_by=user)
        document = TeamDocument.objects.create(
            template_item=first,
            title="Court Planning Guide",
            version="2.1",
            document_date=datetime.date(2025, 11, 1),
            file="team-documents/x/y.pdf",
            original_name="guide.pdf",
            content_type="application/pdf",
            size=10,
        )
        ContentType.objects.get_or_create(app_label="checklists", model="evidence")
        evidence_type = ContentType.objects.get(
            app_label="checklists", model="evidence"
        )
        permission, _ = Permission.objects.get_or_create(
            content_type=evidence_type,
            codename="delete_evidence",
            defaults={"name": "Can delete evidence"},
        )
        group = Group.objects.create(name="Old reviewers")
        group.permissions.add(permission)
    finally:
        new = migrate()

    NewEvidence = new.get_model("collaboration", "Evidence")
    NewComment = new.get_model("collaboration", "Comment")
    NewDocument = new.get_model("collaboration", "TeamDocument")
    NewSummary = new.get_model("checklists", "OnboardingSummary")
    moved = NewEvidence.objects.get(pk=evidence.pk)
    assert (moved.original_name, moved.item_id) == ("letter.pdf", items[0].pk)
    kept = NewComment.objects.get(pk=comment.pk)
    assert kept.body == "Now"
    assert [r.body for r in kept.revisions.all()] == ["Before"]
    assert NewDocument.objects.get(pk=document.pk).title == "Court Planning Guide"
    summary = NewSummary.objects.get(onboarding_id=closed.pk)
    assert (summary.total, summary.finished) == (2, 2)
    # The permission granted on evidence follows the model to its new app.
    NewGroup = new.get_model("auth", "Group")
    [granted] = NewGroup.objects.get(name="Old reviewers").permissions.all()
    assert granted.content_type.app_label == "collaboration"
    tables = connection.introspection.table_names()
    assert "checklists_portfoliorow" not in tables
    assert "checklists_portfoliotally" not in tables
    assert "dashboard_portfolioversion" not in tables
