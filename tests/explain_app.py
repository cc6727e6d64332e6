"""A tiny page for AppTest: the chain-rule panel on the article's data at a chosen epoch."""

import streamlit as st

from lrviz.catalog.optimizers import OPTIMIZER_TABLE
from lrviz.core import TrainConfig, make_dataset
from lrviz.ui.explain_ui import explain_ui

ARTICLE_XY = [1.0, 2.0, 3.0, 4.0, 5.0]

epoch = int(st.number_input("epoch", min_value=0, value=0, step=1, key="epoch"))
optimizer = st.selectbox("optimizer", tuple(OPTIMIZER_TABLE), key="optimizer")
loss = st.selectbox("loss", ["mse", "mae", "huber"], key="loss")
batch = int(st.number_input("batch size (0 = full batch)", min_value=0, value=0, key="batch"))
outside = int(st.number_input("point chosen elsewhere (-1 = none)", min_value=-1, key="outside"))

data = make_dataset(ARTICLE_XY, ARTICLE_XY)
config = TrainConfig(lr=0.01, optimizer=optimizer, batch_size=batch or None, loss=loss)
point = explain_ui(data, config, 0.0, 0.0, epoch, selected=None if outside < 0 else outside)
st.text(f"returned point {point}")
