// The core's types share SEALNet's names (Ciphertext, Plaintext, keys), so the facade names them through these aliases.
global using Rlwe = HeCompute.Lattice.Rlwe;
global using CkksCore = HeCompute.Lattice.Ckks;
