"""The single error type of lrviz.data: a refusal whose message a student can act on."""


class DataError(ValueError):
    """Data that lrviz cannot use. str(error) is one plain-text, human sentence or two.

    The message may quote column names or cell text taken from a file: show it as text
    (st.text, or st.error(escape_markdown(str(error)))), never as HTML.
    """
