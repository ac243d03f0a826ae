/* empty: placeholder for link_whole of the unused libmediasoup-worker target */
