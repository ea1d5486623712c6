"""Briefing packets and proposal documents in the app: options, build, preview, print.

Entry points (wired by the meeting/proposal views and the main window):

    from ui.briefing.actions import prepare_briefing, prepare_proposal_document
    prepare_briefing(ctx, meeting_id, parent_widget)
    prepare_proposal_document(ctx, proposal_id, parent_widget)

Modules: `options` (the dialogs and remembered choices), `build` (the worker job with
progress and cancel, temporary files), `preview` (QtPdf viewer window with Save as…,
Print…, Open in system viewer), `printing` (pages rendered at 300 dpi onto a QPrinter).
"""
