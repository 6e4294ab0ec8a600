"""The yardstick for bench/cold_start.py: a bare Streamlit app drawing three small Plotly charts.

As little as a Streamlit app with three charts can be, so the comparison shows what the
dashboard adds on top of Streamlit and Plotly themselves.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Bare", layout="wide")
st.title("Three charts")
years = [2018, 2020, 2022, 2024]
st.plotly_chart(go.Figure(go.Scatter(x=years, y=[15, 18, 21, 23])), key="trend")
left, right = st.columns(2)
left.plotly_chart(go.Figure(go.Bar(x=list("ABCDEFGHIJKLMNO"), y=list(range(15)))), key="bars")
right.plotly_chart(go.Figure(go.Scatter(x=list(range(15)), y=list(range(15)), mode="markers")))
