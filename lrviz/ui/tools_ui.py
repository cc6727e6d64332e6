"""Below the player: the scenario gallery, run comparison, the link and the export.

In presentation mode they move into the (folded) sidebar, so the screen shows the player alone.
Ends by writing the screen into the page's URL.
"""

from __future__ import annotations

import streamlit as st

from lrviz.app.scenarios import data_label
from lrviz.ui.compare_ui import compare_ui
from lrviz.ui.data_ui import ActiveData, share_notice, source_params
from lrviz.ui.export_ui import export_ui
from lrviz.ui.gallery_ui import gallery_ui
from lrviz.ui.session import Current
from lrviz.ui.share_ui import link_params, link_probe_ui, share_ui, write_link_ui


def tools_ui(
    active: ActiveData,
    current: Current,
    epoch: int,
    presenting: bool,
    shown: Current | None = None,
) -> None:
    """Draw the lecture and sharing tools for the run on screen, then update the URL.

    presenting: presentation mode is on (the tools go in the folded sidebar).
    shown: current as the player shows it (with pinned runs), for the export.
    """
    name = data_label(active.source)
    settings = current.run.settings
    params = link_params(settings, epoch, presenting, source_params())
    place = st.sidebar if presenting else st.container()
    with place:
        if presenting:
            st.divider()
        gallery_ui(settings, name, columns=2 if presenting else 4)
        if presenting:
            compare_ui(current, name)
            share_ui(params, share_notice(active.source))
            export_ui(shown or current, name, epoch)
        else:
            left, right = st.columns(2, gap="large")
            with left:
                compare_ui(current, name)
            with right:
                share_ui(params, share_notice(active.source))
                export_ui(shown or current, name, epoch)
    write_link_ui(params)
    link_probe_ui()
