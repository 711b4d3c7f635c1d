"""A stand-in for llama-cpp-python whose server loads fine and then dies on its first completion, as a runtime
built for another CPU does (tests/test_local_model.py puts this folder first on PYTHONPATH)."""
